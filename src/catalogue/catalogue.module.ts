import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { CatalogueApiController } from './catalogue.api.controller';
import { CatalogueController } from './catalogue.controller';
import { CatalogueRepository } from './catalogue.repository';
import { CatalogueService } from './catalogue.service';

/** The service catalogue: services, components, owners, default groups and who sees them. */
@Module({
  imports: [IdentityModule],
  controllers: [CatalogueController, CatalogueApiController],
  providers: [CatalogueRepository, CatalogueService],
  exports: [CatalogueService],
})
export class CatalogueModule {}
