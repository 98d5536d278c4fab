// The few jStat functions the tests use as an independent reference (jStat ships no types).
declare module 'jstat' {
  const jStat: {
    mean(values: number[]): number;
    median(values: number[]): number;
    stdev(values: number[], sample?: boolean): number;
    studentt: { inv(p: number, df: number): number; cdf(x: number, df: number): number };
    normal: { cdf(x: number, mean: number, sd: number): number };
  };
  export default jStat;
}
