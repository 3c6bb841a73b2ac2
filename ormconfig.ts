import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { DataSource } from 'typeorm';
import { loadDatabaseConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

/**
 * The TypeORM DataSource of the migration CLI (`npm run migration:run`). The app
 * builds its DataSource from the same dataSourceOptions() at start-up and runs
 * pending migrations itself.
 */
loadDotenv({ quiet: true });
export { dataSourceOptions };
export default new DataSource(dataSourceOptions(loadDatabaseConfig(process.env)));
