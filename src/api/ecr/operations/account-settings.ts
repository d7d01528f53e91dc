/** GetAccountSetting, PutAccountSetting. */
import type { AccountSettings } from '../../../iam/account-settings.js';
import { defineOperation } from '../operation.js';

export const getAccountSetting = (settings: AccountSettings) =>
  defineOperation({
    name: 'GetAccountSetting',
    handler: async (input, ctx) => settings.get(ctx.accountId, input.name),
  });

export const putAccountSetting = (settings: AccountSettings) =>
  defineOperation({
    name: 'PutAccountSetting',
    handler: async (input, ctx) => {
      const result = await settings.put(ctx.accountId, input.name, input.value);
      ctx.log.info({ account: ctx.accountId, setting: result.name, value: result.value }, 'account setting changed');
      return result;
    },
  });
