import type { Common } from "../common/Common.js";
import type { RegistryReader } from "../chain/RegistryReader.js";
import { RelayerError } from "../core/errors/RelayerError.js";
import { TriggerType } from "../core/formats/enums.js";
import { buildDocumentBundle, buildSensorBundle, parseInputDocument, type InputBundle } from "../core/scheduling/inputBundle.js";
import type { JobRecord } from "../store/jobStore.js";
import type { InputProvider } from "./InputProvider.js";

export type InputResolver = {
  /**
   * Builds the job's input bundle (docs/FORMATS.md §6) and proves it against the on-chain commitment.
   * Throws `NSF_INPUT_MISSING` / `NSF_INPUT_TRIGGER_MISSING` (retryable: wait) or a non-retryable input error.
   */
  resolve(job: JobRecord): Promise<InputBundle>;
};

/**
 * Sensor jobs: the round named by SensorTriggerFired is read back from the feed (AggregatorV3 getRoundData),
 * checked against the event and for staleness (the trigger's own maxStalenessSeconds, at the trigger block's
 * time), and its commitment recomputed. DAO and simulation jobs: the tenant's input document for the
 * commitment, which must hash to it.
 */
export function createInputResolver(parameters: { common: Common; reader: RegistryReader; inputs: InputProvider }): InputResolver {
  const { reader, inputs } = parameters;
  return {
    async resolve(job) {
      switch (job.triggerType) {
        case TriggerType.Sensor: {
          const trigger = job.trigger;
          if (!trigger || trigger.type !== "sensor") throw new RelayerError("INPUT_TRIGGER_MISSING", `no SensorTriggerFired event seen for job ${job.jobId}`);
          const binding = await inputs.sensorBinding(job.clauseId, job.tenantId);
          if (!binding) {
            throw new RelayerError("INPUT_MISSING", `no sensor binding for clause ${job.clauseId} and tenant ${job.tenantId}: add one to inputs.sensorBindings (answerInput + the DAO's standing values)`);
          }
          const [read, maxStalenessSeconds] = await Promise.all([reader.getRoundData(trigger.feed, trigger.roundId), reader.sensorMaxStaleness(trigger.triggerId)]);
          return buildSensorBundle({ jobId: job.jobId, commitment: job.inputCommitment, fired: trigger, read, firedAt: job.block.timestamp, maxStalenessSeconds, binding });
        }
        case TriggerType.Dao:
        case TriggerType.Simulation: {
          if (job.triggerType === TriggerType.Simulation && job.trigger?.type !== "simulation") {
            throw new RelayerError("INPUT_TRIGGER_MISSING", `no SimulationResultPosted event seen for job ${job.jobId}`);
          }
          const raw = await inputs.document(job.tenantId, job.inputCommitment);
          if (raw === undefined) {
            throw new RelayerError("INPUT_MISSING", `input document ${job.inputCommitment} of tenant ${job.tenantId} not found (${inputs.describe(job.tenantId, job.inputCommitment)})`);
          }
          return buildDocumentBundle({
            jobId: job.jobId,
            triggerType: job.triggerType,
            commitment: job.inputCommitment,
            document: parseInputDocument(raw),
            ...(job.trigger?.type === "simulation" ? { simulator: job.trigger.simulator } : {}),
          });
        }
        default:
          throw new RelayerError("INPUT_INVALID", `unknown trigger type ${job.triggerType}`);
      }
    },
  };
}
