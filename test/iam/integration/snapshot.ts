/** Everything an ECR or /v2 call could change in an account, to prove a refused call changed nothing. */
import type { TestBerth } from './harness.js';

export async function snapshot(berth: TestBerth, accountId: string): Promise<unknown> {
  const { store } = berth.app;
  const repositories = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.registry.listRepositories(accountId, { after, limit: 100 });
    for (const r of page.items) {
      const tags: Record<string, string | undefined> = {};
      let tagAfter: string | undefined;
      for (;;) {
        const tagPage = await store.registry.listTags(r.id, { after: tagAfter, limit: 100 });
        for (const t of tagPage.items) tags[t] = await store.registry.resolveTag(r.id, t);
        if (!tagPage.next) break;
        tagAfter = tagPage.next;
      }
      repositories.push({
        ...r,
        tags,
        policy: await store.iam.getRepositoryPolicy(r.id),
        resourceTags: await berth.app.registry.repositoryTags.list({ accountId, name: r.name }),
      });
    }
    if (!page.next) break;
    after = page.next;
  }
  return {
    repositories,
    uploads: (await store.registry.listUploadsUpdatedBefore(new Date(Date.now() + 86400_000), 10_000)).map((u) => u.id).sort(),
    registryPolicy: await store.iam.getRegistryPolicy(accountId),
    settings: await Promise.all(['REGISTRY_POLICY_SCOPE', 'BASIC_SCAN_TYPE_VERSION', 'BLOB_MOUNTING'].map((n) => store.iam.getAccountSetting(accountId, n))),
  };
}
