namespace Remediator.Backtest.History;

/// <summary>How far the read of a long range has come: <paramref name="Page"/> of <paramref name="Pages"/>, up to <paramref name="ReadUntil"/>.</summary>
public sealed record HistoryProgress(int Page, int Pages, DateTimeOffset ReadUntil, int Series);
