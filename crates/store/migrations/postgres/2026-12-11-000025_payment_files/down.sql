DROP TABLE payment_files;
