import packageJson from '../../package.json' with { type: 'json' };

/** rollcall's version, written into every manifest and sent as the User-Agent. */
export const TOOL_VERSION: string = packageJson.version;
