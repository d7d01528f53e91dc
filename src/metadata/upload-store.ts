export interface UploadRecord {
  id: string;
  repositoryId: number;
  startedAt: Date;
  updatedAt: Date;
}

/** Upload sessions in progress (their bytes are staged in src/storage). */
export interface UploadStore {
  createUpload(upload: UploadRecord): Promise<void>;
  getUpload(id: string): Promise<UploadRecord | undefined>;
  touchUpload(id: string, at: Date): Promise<void>;
  deleteUpload(id: string): Promise<void>;
  listUploadsUpdatedBefore(before: Date, limit: number): Promise<UploadRecord[]>;
}
