import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../access/access.decorators';
import { UiAssets, UiFile } from './ui-assets';
import { setUiSecurityHeaders } from './ui-headers';

/**
 * The dashboard: its static files, loaded without a key (they hold no data; every API call the page makes
 * carries the signed-in key). Any other /ui/* address answers the app's index, so a page such as
 * /ui/events/<id> can be opened directly.
 */
@ApiExcludeController()
@Public()
@Controller('ui')
export class UiController {
  constructor(@Inject(UiAssets) private readonly files: UiAssets) {}

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() res: Response): void {
    const file = this.files.asset(name);
    if (!file) return this.missing(res, `no dashboard file named ${name}`);
    this.send(res, file);
  }

  @Get()
  root(@Res() res: Response): void {
    this.page(res);
  }

  @Get('*path')
  page(@Res() res: Response): void {
    if (!this.files.index) return this.missing(res, 'the dashboard is not built; run npm run build', 503);
    this.send(res, this.files.index);
  }

  private send(res: Response, file: UiFile): void {
    setUiSecurityHeaders(res);
    res.status(200).setHeader('Content-Type', file.contentType).setHeader('Cache-Control', file.cacheControl).end(file.body);
  }

  private missing(res: Response, message: string, status = 404): void {
    setUiSecurityHeaders(res);
    res.status(status).json({ statusCode: status, error: status === 404 ? 'Not Found' : 'Service Unavailable', message });
  }
}
