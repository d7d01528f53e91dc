import { compileGlob, matchGlob } from '../../util/wildcard.js';
import type { LifecycleSelection } from './types.js';

/**
 * Tag selection, compiled once per rule (AWS ECR user guide, "Lifecycle policy evaluation rules"):
 * - tagPatternList: a pattern matches a tag when the whole tag fits it, `*` standing for any run of
 *   characters (possibly empty): `prod*` matches `prod`, `prod1`, `production-team1`; `*prod*`
 *   matches `repo-production`. Matching is case-sensitive, like tags.
 * - tagPrefixList: a prefix matches a tag that starts with it.
 * - "An image is successfully matched if all of the tags in the tagPatternList or tagPrefixList
 *   value are matched against any of the image's tags": every entry must match at least one tag
 *   (AND across entries; the entries may be matched by different tags).
 * - `tagged` selects only images with at least one tag, `untagged` only images with none, `any` all.
 */

export type TagPredicate = (tags: readonly string[]) => boolean;

/** Compiles a `*` glob to a matcher (src/util/wildcard.ts: no regular expressions, linear time). */
export function compileTagPattern(pattern: string): (tag: string) => boolean {
  const glob = compileGlob(pattern, { questionMark: false });
  return (tag) => matchGlob(glob, tag);
}

// Indexed loops: this runs once per image per tagged rule, the evaluator's hottest path.
function allMatchSomeTag(matchers: readonly ((tag: string) => boolean)[]): TagPredicate {
  return (tags) => {
    if (tags.length === 0) return false;
    for (let m = 0; m < matchers.length; m++) {
      const matches = matchers[m]!;
      let t = 0;
      while (t < tags.length && !matches(tags[t]!)) t++;
      if (t === tags.length) return false;
    }
    return true;
  };
}

/** The tag part of a rule's selection (storage class is checked separately). */
export function compileTagSelection(selection: LifecycleSelection): TagPredicate {
  switch (selection.tagStatus) {
    case 'any':
      return () => true;
    case 'untagged':
      return (tags) => tags.length === 0;
    case 'tagged':
      if (selection.tagPatternList) return allMatchSomeTag(selection.tagPatternList.map(compileTagPattern));
      return allMatchSomeTag((selection.tagPrefixList ?? []).map((prefix) => (tag: string) => tag.startsWith(prefix)));
  }
}
