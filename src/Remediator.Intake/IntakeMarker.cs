namespace Remediator.Intake; internal static class IntakeMarker;
