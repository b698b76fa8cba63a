import { describe, expect, it } from 'vitest';
import {
  ERROR_CLASSES,
  ERROR_HTTP_STATUS,
  InternalFailure,
  KmsInvalidStateException,
  MissingAuthenticationTokenException,
  ResourceNotFound,
  StateMachineDoesNotExist,
  TooManyTags,
  ValidationException,
  isAwsApiError,
  type ErrorCode,
} from './errors.js';
import { MODEL_ERRORS } from './model.generated.js';
import { ApiError } from '../errors.js';

describe('error classes', () => {
  it('has one class per model error and per protocol error, each with its own code', () => {
    for (const code of Object.keys(MODEL_ERRORS)) expect(ERROR_CLASSES).toHaveProperty(code);
    for (const [code, Cls] of Object.entries(ERROR_CLASSES)) {
      const e = new Cls('m');
      expect(e).toBeInstanceOf(ApiError);
      expect(isAwsApiError(e)).toBe(true);
      expect(e.code).toBe(code);
      expect(e.name).toBe(code);
      expect(e.httpStatus).toBe(ERROR_HTTP_STATUS[code as ErrorCode]);
    }
    expect(Object.keys(ERROR_CLASSES)).toHaveLength(Object.keys(MODEL_ERRORS).length + 9);
  });

  it('uses 400 for client faults (authentication ones too, as AWS JSON 1.0 answers them), 500 for InternalFailure', () => {
    expect(new StateMachineDoesNotExist('x').httpStatus).toBe(400);
    expect(new InternalFailure().httpStatus).toBe(500);
    expect(new MissingAuthenticationTokenException().httpStatus).toBe(400);
  });

  it('writes the body AWS writes, with the model extra members', () => {
    expect(new StateMachineDoesNotExist("State Machine Does Not Exist: 'a'").toBody()).toEqual({
      __type: 'StateMachineDoesNotExist',
      message: "State Machine Does Not Exist: 'a'",
    });
    expect(new ResourceNotFound("Resource not found: 'arn'", 'arn').toBody()).toEqual({
      __type: 'ResourceNotFound',
      message: "Resource not found: 'arn'",
      resourceName: 'arn',
    });
    expect(new TooManyTags('too many', 'arn').toBody()).toMatchObject({ resourceName: 'arn' });
    expect(new ValidationException('labelled', 'API_DOES_NOT_SUPPORT_LABELED_ARNS').toBody()).toEqual({
      __type: 'ValidationException',
      message: 'labelled',
      reason: 'API_DOES_NOT_SUPPORT_LABELED_ARNS',
    });
    expect(new KmsInvalidStateException('k', 'DISABLED').toBody()).toMatchObject({ kmsKeyState: 'DISABLED' });
    expect(new ValidationException('plain').toBody()).toEqual({ __type: 'ValidationException', message: 'plain' });
  });

  it('declares the same extra members as the model', () => {
    expect(MODEL_ERRORS.ResourceNotFound).toEqual(['resourceName']);
    expect(MODEL_ERRORS.TooManyTags).toEqual(['resourceName']);
    expect(MODEL_ERRORS.ValidationException).toEqual(['reason']);
    expect(MODEL_ERRORS.KmsInvalidStateException).toEqual(['kmsKeyState']);
  });
});
