import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The single instance this service serves; its id is the owner of instance-wide resources. */
@Entity({ name: 'instance' })
export class InstanceEntity {
  @PrimaryColumn({ type: 'tinyint', unsigned: true })
  singleton: number;

  @Column({ type: 'varchar', length: 200 })
  id: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
