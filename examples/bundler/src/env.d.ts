// authsocket's source reads `process.env.NODE_ENV`, which the app's bundler replaces
// (with 'production' or 'development') to pick the production or development texts.
// This example type-checks against that source, so it declares what the bundler provides.
declare const process: { env: { NODE_ENV?: string } };
