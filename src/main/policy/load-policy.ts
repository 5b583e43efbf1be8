import { resolvePolicy, type PolicyOutcome } from './effective-policy';
import { PolicyError } from './policy-forms';
import { readPolicySources, nodePolicyIo, type PolicyIo, type PolicyLocationOptions } from './policy-sources';

/**
 * Reads and settles the organisation policy at start. Never rejects: a policy that cannot be
 * read or validated becomes `{ error }`, which `loadProfiles` turns into the fail-closed error
 * screen (source and key named, nobody signed in). Anything that is not a PolicyError (a bug,
 * an OS failure that is not about the policy's content) is reported the same way, so no code
 * path signs in past a policy it could not read.
 */
export async function loadOrganisationPolicy(
  options: PolicyLocationOptions,
  io: PolicyIo = nodePolicyIo,
): Promise<PolicyOutcome> {
  try {
    return { policy: resolvePolicy(await readPolicySources(options, io)) };
  } catch (error) {
    if (error instanceof PolicyError) return { error };
    return {
      error: new PolicyError('organisation policy', '', `could not be read (${(error as Error).message})`),
    };
  }
}
