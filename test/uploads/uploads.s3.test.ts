import { uploadSuite } from './upload-suite';

uploadSuite('s3');
