import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/**
 * A Clerk webhook delivery already processed, keyed by its `svix-id` header. Written
 * in the same transaction as the webhook's effect so a replay has no second effect.
 */
export class WebhookEvent extends Model<InferAttributes<WebhookEvent>, InferCreationAttributes<WebhookEvent>> {
  declare svixId: string;
  declare eventType: string;
  declare processedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof WebhookEvent {
    WebhookEvent.init(
      {
        svixId: { type: DataTypes.STRING, primaryKey: true, allowNull: false },
        eventType: { type: DataTypes.STRING, allowNull: false },
        processedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      {
        sequelize,
        modelName: 'WebhookEvent',
        tableName: 'webhook_events',
        underscored: true,
        timestamps: false,
      },
    );
    return WebhookEvent;
  }
}
