import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { TicketsModule } from '../tickets/tickets.module';
import { PortalController } from './portal.controller';
import { PortalService } from './portal.service';

/** The self-service portal for requesters, on top of tickets and the catalogue. */
@Module({
  imports: [TicketsModule, CatalogueModule],
  controllers: [PortalController],
  providers: [PortalService],
})
export class PortalModule {}
