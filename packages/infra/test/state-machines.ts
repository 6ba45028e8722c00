// The state machines of a synthesized fixture app, with their definitions as Step Functions receives
// them (every CloudFormation reference resolved, see template-values.ts).
import type { SynthesizedApp, SynthesizedStack } from './synthesized';
import { resolveValue } from './template-values';

export interface SynthesizedStateMachine {
  /** `Qa/ExportPipeline/WorkflowF96E0FF2`. */
  readonly where: string;
  readonly stack: SynthesizedStack;
  readonly logicalId: string;
  /** The parsed Amazon States Language definition. */
  readonly definition: Record<string, any>;
}

/** Every state machine of every stack of the app. */
export function stateMachinesOf(app: SynthesizedApp): SynthesizedStateMachine[] {
  return app.stacks.flatMap((stack) => Object.entries<any>(stack.template.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map(([logicalId, resource]) => ({
      where: `${stack.id}/${logicalId}`,
      stack,
      logicalId,
      definition: JSON.parse(resolveValue(app, stack, resource.Properties.DefinitionString)),
    })));
}

/** One state of a definition, with the States object it belongs to (a Map's item processor has its own). */
export interface StateEntry {
  readonly name: string;
  readonly state: Record<string, any>;
  /** The States object holding it: transitions (Next, Default, Catch) only reach states of the same object. */
  readonly scope: Record<string, any>;
  /** The Map state whose item processor holds this state, if any. */
  readonly parentMap?: string;
}

/** Every state, including those inside Map item processors. */
export function statesOf(definition: Record<string, any>): StateEntry[] {
  const all: StateEntry[] = [];
  const walk = (states: Record<string, any>, parentMap?: string) => {
    for (const [name, state] of Object.entries(states)) {
      all.push({ name, state, scope: states, parentMap });
      const inner = state.ItemProcessor ?? state.Iterator;
      if (inner) walk(inner.States, name);
      for (const branch of state.Branches ?? []) walk(branch.States, name);
    }
  };
  walk(definition.States);
  return all;
}

/**
 * Every Wait state's wait and every retry interval at zero (by state name, as aws-local-stepfunctions
 * takes them), so that a local run takes no real time.
 */
export function zeroDelaysOf(definition: Record<string, any>): { waits: Record<string, number>; retries: Record<string, number> } {
  const states = statesOf(definition);
  return {
    waits: Object.fromEntries(states.filter(({ state }) => state.Type === 'Wait').map(({ name }) => [name, 0])),
    retries: Object.fromEntries(states.filter(({ state }) => state.Retry).map(({ name }) => [name, 0])),
  };
}
