import { BadRequestException, PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { describeIssues } from '@app/contracts';

/** Validates a request body against a schema; unknown fields and bad values give a 400 naming the field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const r = this.schema.safeParse(value ?? {});
    if (!r.success) throw new BadRequestException(describeIssues(r.error));
    return r.data;
  }
}
