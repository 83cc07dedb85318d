// Written by bench/names/build-variants.ts: skeleton edit costs learned from the train splits. Do not edit.
export const LEARNED_SUBSTITUTION: Array<[string, string, number]> = [["c","h",0.7],["c","k",0.33],["c","q",0.76],["c","s",0.39],["c","z",0.75],["d","j",0.8],["f","w",0.52],["g","h",0.67],["g","j",0.14],["h","δ",0.8],["h","θ",0.78],["j","k",0.76],["j","s",0.67],["j","x",0.51],["j","y",0.31],["j","z",0.57],["k","s",0.6],["q","x",0.51],["s","t",0.78],["s","z",0.28],["t","ħ",0.75],["z","ʒ",0.41],["z","θ",0.69],["δ","θ",0.29]];
export const LEARNED_INDEL: Record<string, number> = {};
