/**
 * The admission adapters: AdmissionReview v1 onto the policy engine (review parsing, response
 * building, the reviewer with its deadline and failure modes, decision records, cache
 * invalidation, metrics, the HTTPS server), the deployment manifests, and the re-check of what
 * runs. Evidence providers over the network are in `evidence/`.
 */
export { ADMISSION_API_VERSION, ADMISSION_KIND, DEFAULT_MAX_REVIEW_BYTES, REVIEWED_KINDS, isControllerOwned, parseAdmissionReview, reviewTarget, type AdmissionRequest } from './review.js';
export { boundedAnnotations, boundedWarnings, fieldOfPointer, MAX_WARNINGS_TOTAL, plainResponse, responseOfDecision, reviewOf, type AdmissionResponse, type AdmissionReviewResponse, type Endpoint } from './response.js';
export { FAILURE_MODES, failureModeFor, parseFailureModes, type FailureMode, type FailureModes } from './failure-mode.js';
export { createReviewer, type Reviewer, type ReviewerOptions, type ReviewOutcome } from './reviewer.js';
export { createRecorder, deploymentOccurrences, DEPLOYMENT_NOTE_ID, type DecisionRecord, type DecisionRecorder, type RecorderOptions, type ReviewResult } from './record.js';
export { createInvalidationPoller, type InvalidationOptions, type InvalidationPoller } from './invalidation.js';
export { createAdmissionMetrics, type AdmissionMetrics } from './metrics.js';
export { createWebhookApp, type WebhookApp, type WebhookAppOptions } from './app.js';
export { startWebhook, tlsFilesOf, TLS_CERT_FILE, TLS_KEY_FILE, type RunningWebhook, type TlsFiles } from './serve.js';
export { generateWebhookCertificates, serviceDnsNames, type WebhookCertificates } from './certs.js';
export { renderManifests, webhookObjects, WEBHOOK_NAME, WEBHOOK_PORT, type ManifestOptions } from './manifests.js';
export { changesBetween, pinRunningImages, recheck, RECHECK_CHANGES, tryParseRecheckState, type RecheckChange, type RecheckedObject, type RecheckResult, type RecheckState } from './recheck.js';
export * from './evidence/index.js';
