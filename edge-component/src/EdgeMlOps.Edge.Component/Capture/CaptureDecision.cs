using EdgeMlOps.Edge.Component.Configuration;

namespace EdgeMlOps.Edge.Component.Capture;

/// <summary>Why a frame was captured for labelling.</summary>
public enum CaptureReason
{
    /// <summary>Not captured.</summary>
    None,
    /// <summary>The best confidence fell inside the uncertainty band: the model was unsure.</summary>
    Uncertain,
    /// <summary>Picked by the random sample, to keep an unbiased view of what the camera sees.</summary>
    Sampled,
    /// <summary>Picked by the raised sample fraction while the device's frames drift from the training baseline.</summary>
    Drift,
}

/// <summary>
/// Decides whether a frame goes to the capture spool. Pure: the random draw is an argument, so tests pin it.
/// A frame is <see cref="CaptureReason.Uncertain"/> when its best detection confidence lies in
/// [<see cref="CaptureSettings.UncertaintyLow"/>, <see cref="CaptureSettings.UncertaintyHigh"/>]; otherwise it is
/// <see cref="CaptureReason.Sampled"/> when <paramref name="randomDraw"/> (uniform in [0, 1)) is below
/// <see cref="CaptureSettings.SampleFraction"/>. A frame without detections has no confidence and can only be sampled.
/// </summary>
public static class CaptureDecision
{
    /// <param name="driftSampleFraction">The raised sample fraction while drifted (<see cref="CaptureReason.Drift"/> for draws between the two fractions); null when not drifted.</param>
    public static CaptureReason Decide(float? bestConfidence, CaptureSettings settings, double randomDraw, double? driftSampleFraction = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            return CaptureReason.None;
        }

        // Compared in float, the confidence's own precision: 0.6f is 0.600000024 and must count as inside a 0.6 edge.
        if (bestConfidence is { } confidence && confidence >= (float)settings.UncertaintyLow && confidence <= (float)settings.UncertaintyHigh)
        {
            return CaptureReason.Uncertain;
        }

        if (randomDraw < settings.SampleFraction)
        {
            return CaptureReason.Sampled;
        }

        return randomDraw < driftSampleFraction ? CaptureReason.Drift : CaptureReason.None;
    }
}
