// The optional features, one export each: the function that turns the option
// into the value the client runs. `authsocket/lite` exports them as they are
// (`heartbeat({ … })`); the main entry applies each to its plain option of the
// same name (src/full.ts). A new feature is one line here.
export { closeCodesFeature as closeCodes } from './core/closeCodes.ts';
export { heartbeatFeature as heartbeat } from './core/heartbeat.ts';
export { resumeFeature as resume } from './core/resume.ts';
export { setupFeature as setup } from './core/setup.ts';
export { validateFeature as validate } from './core/validator.ts';
