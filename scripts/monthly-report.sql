-- The monthly report's counts for one municipality and month, written by hand: what
-- `etablera report monthly` counts (crates/store/src/reporting/counts.rs), for comparing the two
-- on the same database. :m is the municipality, :f and :l the month's first and last day, :d the
-- day measured on (the last day, or today while the month runs), :a the latest adult birth date.
SELECT COUNT(*) FROM persons p WHERE p.municipality_code = :m AND p.reception_date IS NOT NULL AND p.reception_date <= :l
  AND NOT EXISTS (SELECT 1 FROM person_exits e WHERE e.person_id = p.id AND e.exit_date < :f AND (e.returned_on IS NULL OR e.returned_on > :l));
SELECT t.report_row, COUNT(DISTINCT a.person_id) FROM activities a JOIN activity_types t ON t.code = a.type_code JOIN persons p ON p.id = a.person_id
  WHERE p.municipality_code = :m AND t.report_row IS NOT NULL AND a.start_date <= :l AND (a.end_date IS NULL OR a.end_date >= :f)
  AND p.reception_date IS NOT NULL AND p.reception_date <= :l
  AND NOT EXISTS (SELECT 1 FROM person_exits e WHERE e.person_id = p.id AND e.exit_date < :f AND (e.returned_on IS NULL OR e.returned_on > :l))
  GROUP BY t.report_row;
SELECT COUNT(DISTINCT d.person_id) FROM declines d JOIN persons p ON p.id = d.person_id
  WHERE p.municipality_code = :m AND d.declined_on >= :f AND d.declined_on <= :l AND p.reception_date IS NOT NULL AND p.reception_date <= :l
  AND NOT EXISTS (SELECT 1 FROM person_exits e WHERE e.person_id = p.id AND e.exit_date < :f AND (e.returned_on IS NULL OR e.returned_on > :l));
SELECT COUNT(*) FROM housing_damages x JOIN temporary_housings th ON th.id = x.housing_id JOIN households h ON h.id = th.household_id
  WHERE h.municipality_code = :m AND x.damage_date >= :f AND x.damage_date <= :l;
SELECT h.first_contact_at, MIN(p.reception_date) FROM persons p JOIN households h ON h.id = p.household_id
  WHERE p.municipality_code = :m AND p.reception_date IS NOT NULL AND p.household_id IN (
    SELECT q.household_id FROM persons q WHERE q.municipality_code = :m AND q.reception_date >= :f AND q.reception_date <= :l)
  GROUP BY h.id, h.first_contact_at HAVING MIN(p.reception_date) >= :f;
SELECT COUNT(*) FROM (
  SELECT p.id,
    COALESCE(SUM(CASE WHEN t.counts = 'hours' AND a.hours_per_week > 0 THEN a.hours_per_week ELSE 0 END), 0) AS planned,
    COALESCE(SUM(CASE WHEN t.counts = 'leave' AND a.extent_percent > 0 THEN a.extent_percent ELSE 0 END), 0) AS leave_percent
  FROM persons p
  LEFT JOIN activities a ON a.person_id = p.id AND a.start_date <= :d AND (a.end_date IS NULL OR a.end_date >= :d)
  LEFT JOIN activity_types t ON t.code = a.type_code
  WHERE p.municipality_code = :m AND p.reception_date IS NOT NULL AND p.reception_date <= :d
    AND NOT EXISTS (SELECT 1 FROM person_exits e WHERE e.person_id = p.id AND e.exit_date < :d AND (e.returned_on IS NULL OR e.returned_on > :d))
    AND p.birth_date <= :a
    AND NOT EXISTS (SELECT 1 FROM work_exemptions w WHERE w.person_id = p.id AND w.start_date <= :d AND (w.end_date IS NULL OR w.end_date >= :d))
  GROUP BY p.id
) s WHERE s.planned < 40 * (100 - CASE WHEN s.leave_percent > 100 THEN 100 ELSE s.leave_percent END) / 100;
