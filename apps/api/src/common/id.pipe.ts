import { BadRequestException, PipeTransform } from '@nestjs/common';
import { EVENT_ID_PATTERN, TENANT_ID_PATTERN } from '@app/contracts';

/** Refuses, with a 400 naming the parameter, an id that cannot be one (e.g. with a NUL or a slash in it). */
class IdPipe implements PipeTransform<unknown, string | undefined> {
  constructor(
    private readonly name: string,
    private readonly pattern: RegExp,
    private readonly shape: string,
    private readonly required: boolean,
  ) {}

  transform(value: unknown): string | undefined {
    if (value === undefined && !this.required) return undefined;
    if (typeof value !== 'string' || !this.pattern.test(value)) throw new BadRequestException(`${this.name} must be ${this.shape}`);
    return value;
  }
}

export const eventIdParam = (name = 'id', required = true) => new IdPipe(name, EVENT_ID_PATTERN, '1-128 characters of letters, digits and . _ : ~ -', required);
export const tenantIdParam = (name = 'tenant_id') => new IdPipe(name, TENANT_ID_PATTERN, '1-64 letters, digits, "_" or "-"', false);
