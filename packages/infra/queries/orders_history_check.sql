-- name: orders_history_check
-- description: data-quality check, one row per retained export with its order count
-- schedule: cron(30 6 * * ? *)
-- database: {project}_{stage}_orders_db_shop
SELECT snapshot_time, count(*) AS orders
FROM orders_history
GROUP BY snapshot_time
ORDER BY snapshot_time
