import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Injectable } from '@nestjs/common';

@Injectable()
class Dep {}
@Injectable()
class Svc {
  constructor(public readonly dep: Dep) {}
}

describe('toolchain', () => {
  it('emits decorator metadata so Nest can inject by type', () => {
    expect(Reflect.getMetadata('design:paramtypes', Svc)).toEqual([Dep]);
  });
});
