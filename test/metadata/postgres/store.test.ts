import { withPostgres } from '../../engines/engines.js';
import { openPostgresStore } from '../../support/postgres.js';
import { describeMetadataStoreConformance } from '../store-conformance.js';

// The same contract as SQLite's (test/metadata/sqlite-store.test.ts), each case on a database of its own.
withPostgres(({ url }) => {
  describeMetadataStoreConformance('postgres', () => openPostgresStore(url), { pending: ['lifecycle'] });
});
