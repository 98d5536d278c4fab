// Geometry of the report's horizontal bar charts, drawn as SVG on the server: the chart is in the
// HTML itself, so it prints, turns into vector graphics in the PDF and shows without JavaScript.
// Pure: numbers and text in, coordinates out; the view draws them.

export interface BarSeries { name: string; values: ReadonlyArray<number | null> }

export interface BarChartInput {
  labels: readonly string[];
  series: readonly BarSeries[];
  min: number;
  max: number;
  formatValue: (value: number) => string;
  /** Written in place of the bars of a group whose values are all hidden. */
  hiddenText: string;
}

export interface Bar { x: number; y: number; width: number; height: number; series: number; label: string; labelX: number; labelY: number }

export interface BarGroup { labelLines: string[]; labelY: number; bars: Bar[]; hiddenTextY: number | null }

export interface BarChartLayout {
  width: number;
  height: number;
  plotX: number;
  plotWidth: number;
  plotTop: number;
  plotBottom: number;
  ticks: { x: number; label: string }[];
  legend: { x: number; y: number; series: number; name: string }[];
  groups: BarGroup[];
  hiddenText: string;
  /** Between the lines of a wrapped label. */
  lineHeight: number;
}

const WIDTH = 680;
const LABEL_WIDTH = 250;
const RIGHT_PAD = 40;
const BAR_HEIGHT = 11;
const BAR_GAP = 1;
const GROUP_PAD = 5;
const LINE_HEIGHT = 13;
const LEGEND_HEIGHT = 26;
const AXIS_HEIGHT = 22;
const LABEL_CHARS = 34;

/** Breaks a label into lines of at most `width` characters at spaces (at most three lines). */
export function wrapLabel(text: string, width = LABEL_CHARS): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  if (lines.length > 3) return [...lines.slice(0, 2), `${lines.slice(2).join(' ').slice(0, width - 1)}…`];
  return lines;
}

export function barChartLayout(input: BarChartInput): BarChartLayout {
  const plotX = LABEL_WIDTH;
  const plotWidth = WIDTH - LABEL_WIDTH - RIGHT_PAD;
  const xOf = (v: number) => plotX + ((Math.min(input.max, Math.max(input.min, v)) - input.min) / (input.max - input.min)) * plotWidth;
  const legend = input.series.map((s, k) => ({ x: plotX + k * 140, y: 8, series: k, name: s.name }));
  const plotTop = LEGEND_HEIGHT;
  let y = plotTop;
  const groups = input.labels.map((label, g) => {
    const labelLines = wrapLabel(label);
    const barsHeight = input.series.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
    const height = Math.max(barsHeight, labelLines.length * LINE_HEIGHT) + 2 * GROUP_PAD;
    const top = y + GROUP_PAD + (height - 2 * GROUP_PAD - barsHeight) / 2;
    const bars: Bar[] = [];
    input.series.forEach((s, k) => {
      const v = s.values[g];
      if (v === null || v === undefined) return;
      const barY = top + k * (BAR_HEIGHT + BAR_GAP);
      const end = xOf(v);
      bars.push({ x: plotX, y: barY, width: Math.max(1, end - plotX), height: BAR_HEIGHT, series: k, label: input.formatValue(v), labelX: end + 4, labelY: barY + BAR_HEIGHT - 2 });
    });
    const group: BarGroup = {
      labelLines,
      labelY: y + GROUP_PAD + (height - 2 * GROUP_PAD - labelLines.length * LINE_HEIGHT) / 2 + LINE_HEIGHT - 3,
      bars,
      hiddenTextY: bars.length === 0 ? y + height / 2 + 4 : null,
    };
    y += height;
    return group;
  });
  const ticks = [];
  for (let v = input.min; v <= input.max; v++) ticks.push({ x: xOf(v), label: String(v) });
  return { width: WIDTH, height: y + AXIS_HEIGHT, plotX, plotWidth, plotTop, plotBottom: y, ticks, legend, groups, hiddenText: input.hiddenText, lineHeight: LINE_HEIGHT };
}
