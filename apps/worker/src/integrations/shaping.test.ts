import { describe, expect, test } from 'vitest';
import { buildHttpRequest, HttpParameterError, httpOutput, urlEncode } from './http.js';
import { lambdaResult } from './lambda.js';

describe('HTTP Task request building', () => {
  const connections = {
    'arn:c': { ApiKey: { ApiKeyName: 'X-Api-Key', ApiKeyValue: 'k' }, InvocationHttpParameters: { QueryStringParameters: [{ Key: 'tenant', Value: 't1' }], BodyParameters: [{ Key: 'src', Value: 'conn' }] } },
  };

  test('method, query, headers, JSON body and connection parameters', () => {
    const r = buildHttpRequest(
      { ApiEndpoint: 'https://h/p?x=1', Method: 'post', QueryParameters: { y: 2 }, Headers: { 'X-A': 'b' }, RequestBody: { a: 1 }, Authentication: { ConnectionArn: 'arn:c' } },
      connections,
    );
    expect(r).toEqual({
      url: 'https://h/p?x=1&y=2&tenant=t1',
      method: 'POST',
      headers: { 'x-a': 'b', 'x-api-key': 'k', 'content-type': 'application/json' },
      body: '{"a":1,"src":"conn"}',
    });
  });

  test('no body on GET; unknown connections add nothing', () => {
    expect(buildHttpRequest({ ApiEndpoint: 'http://h/', Method: 'GET', RequestBody: { a: 1 }, Authentication: { ConnectionArn: 'arn:other' } }, connections)).toEqual({
      url: 'http://h/',
      method: 'GET',
      headers: {},
    });
  });

  test.each([
    [{ Method: 'GET' }, /ApiEndpoint/],
    [{ ApiEndpoint: 'http://h', Method: 'TRACE' }, /Method/],
    [{ ApiEndpoint: 'not a url', Method: 'GET' }, /not a valid URL/],
    [{ ApiEndpoint: 'http://h', Method: 'POST', RequestBody: 'x', Transform: { RequestBodyEncoding: 'URL_ENCODED' } }, /URL_ENCODED/],
  ])('refuses %j', (params, message) => {
    expect(() => buildHttpRequest(params, {})).toThrow(HttpParameterError);
    expect(() => buildHttpRequest(params, {})).toThrow(message);
  });

  test('URL encoding array formats', () => {
    const body = { a: ['x', 'y'], b: 'c d' };
    expect(urlEncode(body, 'INDICES')).toBe('a%5B0%5D=x&a%5B1%5D=y&b=c%20d');
    expect(urlEncode(body, 'REPEAT')).toBe('a=x&a=y&b=c%20d');
    expect(urlEncode(body, 'COMMAS')).toBe('a=x%2Cy&b=c%20d');
    expect(urlEncode(body, 'BRACKETS')).toBe('a%5B%5D=x&a%5B%5D=y&b=c%20d');
  });

  test('output: header lists, JSON bodies parsed, text kept, empty body omitted', () => {
    const h = new Headers({ 'content-type': 'application/json', 'x-b': '1' });
    expect(httpOutput(201, 'Created', h, '{"k":true}')).toEqual({ Headers: { 'content-type': ['application/json'], 'x-b': ['1'] }, StatusCode: 201, StatusText: 'Created', ResponseBody: { k: true } });
    expect(httpOutput(200, 'OK', new Headers({ 'content-type': 'text/plain' }), '{"k":1}').ResponseBody).toBe('{"k":1}');
    expect(httpOutput(204, 'No Content', new Headers(), '')).not.toHaveProperty('ResponseBody');
  });
});

describe('Lambda result shaping', () => {
  test('success: Invoke response shape, or the bare payload for a function ARN', () => {
    const h = new Headers({ 'x-amz-executed-version': '3', 'x-amzn-requestid': 'r1' });
    const shaped = lambdaResult(200, h, '{"v":1}', false);
    expect(shaped).toMatchObject({ kind: 'succeeded', output: { ExecutedVersion: '3', Payload: { v: 1 }, StatusCode: 200, SdkResponseMetadata: { RequestId: 'r1' } } });
    expect(lambdaResult(200, h, '{"v":1}', true)).toEqual({ kind: 'succeeded', output: { v: 1 } });
    expect(lambdaResult(202, new Headers(), '', true)).toEqual({ kind: 'succeeded', output: null });
  });

  test('function errors: errorType names the error, the answer is the cause', () => {
    const h = new Headers({ 'x-amz-function-error': 'Unhandled' });
    expect(lambdaResult(200, h, '{"errorType":"TypeError","errorMessage":"x"}', false)).toEqual({ kind: 'failed', error: 'TypeError', cause: '{"errorType":"TypeError","errorMessage":"x"}' });
    expect(lambdaResult(200, h, 'not json', false)).toMatchObject({ kind: 'failed', error: 'Lambda.Unknown' });
  });

  test('service errors: Lambda.<type> from the header or the body', () => {
    expect(lambdaResult(404, new Headers({ 'x-amzn-errortype': 'ResourceNotFoundException:http://x' }), '{"Type":"User","message":"nope"}', false)).toMatchObject({
      kind: 'failed',
      error: 'Lambda.ResourceNotFoundException',
    });
    expect(lambdaResult(429, new Headers(), '{"__type":"com.amazon#TooManyRequestsException","message":"slow"}', false)).toMatchObject({ error: 'Lambda.TooManyRequestsException' });
    expect(lambdaResult(500, new Headers(), 'oops', false)).toMatchObject({ error: 'Lambda.ServiceException' });
  });
});
