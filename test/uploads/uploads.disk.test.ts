import { uploadSuite } from './upload-suite';

uploadSuite('disk');
