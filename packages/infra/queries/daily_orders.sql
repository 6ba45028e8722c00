-- name: daily_orders
-- description: orders and revenue of the previous day, from the newest export
-- schedule: cron(0 6 * * ? *)
-- timezone: Europe/Paris
-- database: {project}_{stage}_orders_db_shop
-- parameters: previous_date
-- latest: true
SELECT status, count(*) AS orders
FROM orders
WHERE substr(created_at, 1, 10) = CAST(? AS varchar)
GROUP BY status
ORDER BY orders DESC
