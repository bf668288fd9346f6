#!/bin/sh
# Runs once, on an empty data volume: one role and one database per service, each owned by its
# role, so a service can migrate its own schema and cannot touch another's data.
set -eu
for service in identity inventory orders payments; do
  case "$service" in
    identity) password="$IDENTITY_DB_PASSWORD" ;;
    inventory) password="$INVENTORY_DB_PASSWORD" ;;
    orders) password="$ORDERS_DB_PASSWORD" ;;
    payments) password="$PAYMENTS_DB_PASSWORD" ;;
  esac
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v role="$service" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
