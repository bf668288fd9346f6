export { openDatabase, type Database, type DatabaseOptions, type Db, type Queryable, type Tx } from './open-database';
export { migrate, MIGRATIONS_TABLE, type MigrateOptions } from './migrate';
