DROP INDEX persons_received;
DROP TABLE monthly_counts;
DROP TABLE casework_versions;
