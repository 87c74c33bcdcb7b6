export function isExecutable(path: string): boolean;
