import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** Every REST route of API.md sections Users, Groups, Invitations, Resources and progress, Notifications. */
const ROUTES: Array<[string, string]> = [
  ['get', '/api/me'],
  ['patch', '/api/me'],
  ['get', '/api/users/{userId}'],
  ['post', '/api/groups'],
  ['get', '/api/groups'],
  ['get', '/api/groups/discover'],
  ['get', '/api/groups/{id}'],
  ['patch', '/api/groups/{id}'],
  ['delete', '/api/groups/{id}'],
  ['post', '/api/groups/{id}/join'],
  ['post', '/api/groups/join'],
  ['post', '/api/groups/{id}/leave'],
  ['get', '/api/groups/{id}/members'],
  ['patch', '/api/groups/{id}/members/{userId}'],
  ['delete', '/api/groups/{id}/members/{userId}'],
  ['post', '/api/groups/{id}/invite-code'],
  ['post', '/api/groups/{id}/invitations'],
  ['get', '/api/invitations'],
  ['post', '/api/invitations/{id}/accept'],
  ['post', '/api/invitations/{id}/decline'],
  ['get', '/api/groups/{id}/resources'],
  ['post', '/api/groups/{id}/resources'],
  ['patch', '/api/resources/{id}'],
  ['delete', '/api/resources/{id}'],
  ['put', '/api/resources/{id}/progress'],
  ['get', '/api/resources/{id}/progress'],
  ['get', '/api/resources/{id}/progress/all'],
  ['get', '/api/notifications'],
  ['get', '/api/notifications/unread-count'],
  ['post', '/api/notifications/{id}/read'],
  ['post', '/api/notifications/read-all'],
];

describe('the OpenAPI document', () => {
  let app: TestApp;
  let doc: any;
  beforeAll(async () => {
    app = await startTestApp();
    const res = await app.http.get('/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when validated, then it is a valid OpenAPI 3 document', async () => {
    const copy = JSON.parse(JSON.stringify(doc)) as OpenAPI.Document;
    await expect(SwaggerParser.validate(copy)).resolves.toBeDefined();
    expect(doc.openapi).toMatch(/^3\./);
  });

  it.each(ROUTES)('when read, then it lists %s %s with a documented success response', (method, path) => {
    const op = doc.paths?.[path]?.[method];
    expect(op).toBeDefined();
    const success = Object.keys(op.responses).filter((code) => code.startsWith('2'));
    expect(success).toHaveLength(1);
  });

  it('when read, then the contract shapes are named components', () => {
    for (const name of [
      'Group',
      'Member',
      'Invitation',
      'Resource',
      'Progress',
      'Notification',
      'GroupPage',
      'NotificationPage',
      'CreateGroup',
      'CreateResource',
      'PutProgress',
    ]) {
      expect(doc.components.schemas[name]).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas.Group.properties).sort()).toEqual(
      [
        'id',
        'creatorId',
        'groupName',
        'description',
        'image',
        'groupType',
        'visibility',
        'maxMembers',
        'isActive',
        'memberCount',
        'myRole',
        'inviteCode',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(doc.paths['/api/groups'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreateGroup');
  });

  it('when read, then the upload routes are documented: the raw PUT as binary, the content as bytes, 206 or 302', () => {
    expect(doc.paths['/api/groups/{id}/uploads'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreateUpload');
    expect(doc.paths['/api/groups/{id}/uploads'].post.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/UploadTicket');
    expect(Object.keys(doc.paths['/api/groups/{id}/uploads'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '404', '413']));
    const put = doc.paths['/api/uploads/{uploadId}'].put;
    expect(put.requestBody.content['application/octet-stream'].schema).toEqual({ type: 'string', format: 'binary' });
    expect(put.security).toBeUndefined();
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['204', '404', '409', '410', '413']));
    const content = doc.paths['/api/resources/{id}/content'].get;
    expect(Object.keys(content.responses)).toEqual(expect.arrayContaining(['200', '206', '302', '401', '404']));
    expect(content.responses['200'].content['*/*'].schema.format).toBe('binary');
    expect(doc.paths['/api/resources/{id}/content-url'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/ContentUrl');
    expect(doc.components.schemas.Resource.properties.contentType).toBeDefined();
    expect(doc.components.schemas.CreateResource.properties.uploadId).toBeDefined();
  });

  it('when /docs is requested, then Swagger UI is served', async () => {
    const res = await fetch(`${app.url}/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger');
  });
});
