import { type Db, select } from '../../db/access';

/** The only data access of the ops component: does PostgreSQL answer? */
export async function ping(db: Db): Promise<void> {
  await select(db, 'SELECT 1 AS ok');
}
