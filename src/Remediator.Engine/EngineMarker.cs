namespace Remediator.Engine; internal static class EngineMarker;
