// vega-interpreter imports three helpers from vega-util; the vega UMD build already exposes them.
const { ascending, isString, DisallowedObjectProperties } = window.vega;
export { ascending, isString, DisallowedObjectProperties };
