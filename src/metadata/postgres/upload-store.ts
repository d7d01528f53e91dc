import { type UploadRow, toUpload } from '../rows.js';
import type { UploadRecord, UploadStore } from '../upload-store.js';
import type { PostgresDatabase } from './database.js';

export class PostgresUploadStore implements UploadStore {
  constructor(private readonly database: PostgresDatabase) {}

  async createUpload(upload: UploadRecord): Promise<void> {
    await this.database.run('INSERT INTO uploads (id, repository_id, started_at, updated_at) VALUES ($1, $2, $3, $4)', [
      upload.id,
      upload.repositoryId,
      upload.startedAt.getTime(),
      upload.updatedAt.getTime(),
    ]);
  }

  async getUpload(id: string): Promise<UploadRecord | undefined> {
    const row = await this.database.row<UploadRow>('SELECT * FROM uploads WHERE id = $1', [id]);
    return row && toUpload(row);
  }

  async touchUpload(id: string, at: Date): Promise<void> {
    await this.database.run('UPDATE uploads SET updated_at = $1 WHERE id = $2', [at.getTime(), id]);
  }

  async deleteUpload(id: string): Promise<void> {
    await this.database.run('DELETE FROM uploads WHERE id = $1', [id]);
  }

  async listUploadsUpdatedBefore(before: Date, limit: number): Promise<UploadRecord[]> {
    const rows = await this.database.rows<UploadRow>('SELECT * FROM uploads WHERE updated_at < $1 ORDER BY updated_at LIMIT $2', [before.getTime(), limit]);
    return rows.map(toUpload);
  }
}
