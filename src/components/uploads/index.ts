export { registerUploadReceiver, registerUploadRoutes } from './uploads.routes';
export { markAttached, sweepUploads, takeUpload } from './uploads.service';
export type { StoredResourceType } from './uploads.rules';
