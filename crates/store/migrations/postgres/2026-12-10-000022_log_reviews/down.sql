DROP TABLE log_review_items;
DROP TABLE log_reviews;
