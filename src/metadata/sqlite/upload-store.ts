import type { UploadRecord, UploadStore } from '../upload-store.js';
import { type UploadRow, toUpload } from '../rows.js';
import type { SqliteDatabase } from './database.js';

export class SqliteUploadStore implements UploadStore {
  constructor(private readonly database: SqliteDatabase) {}

  async createUpload(upload: UploadRecord): Promise<void> {
    this.database
      .stmt('INSERT INTO uploads (id, repository_id, started_at, updated_at) VALUES (?, ?, ?, ?)')
      .run(upload.id, upload.repositoryId, upload.startedAt.getTime(), upload.updatedAt.getTime());
  }

  async getUpload(id: string): Promise<UploadRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM uploads WHERE id = ?').get(id) as UploadRow | undefined;
    return row && toUpload(row);
  }

  async touchUpload(id: string, at: Date): Promise<void> {
    this.database.stmt('UPDATE uploads SET updated_at = ? WHERE id = ?').run(at.getTime(), id);
  }

  async deleteUpload(id: string): Promise<void> {
    this.database.stmt('DELETE FROM uploads WHERE id = ?').run(id);
  }

  async listUploadsUpdatedBefore(before: Date, limit: number): Promise<UploadRecord[]> {
    const rows = this.database
      .stmt('SELECT * FROM uploads WHERE updated_at < ? ORDER BY updated_at LIMIT ?')
      .all(before.getTime(), limit) as UploadRow[];
    return rows.map(toUpload);
  }
}
