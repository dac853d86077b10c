import { Module } from '@nestjs/common';
import { defaultUiDir, UiAssets } from './ui-assets';
import { UiController } from './ui.controller';

/** Serves the dashboard built by `npm run build` (dist/ui) at /ui. */
@Module({
  controllers: [UiController],
  providers: [{ provide: UiAssets, useFactory: () => new UiAssets(defaultUiDir()) }],
})
export class UiModule {}
