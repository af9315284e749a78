namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>
/// Where an image of <see cref="SourceWidth"/>×<see cref="SourceHeight"/> lands inside a
/// <see cref="TargetWidth"/>×<see cref="TargetHeight"/> model input when letterboxed: scaled by <see cref="Scale"/>
/// (aspect kept) to <see cref="ScaledWidth"/>×<see cref="ScaledHeight"/> and centred, the rest padded.
/// </summary>
public readonly record struct LetterboxGeometry
{
    public LetterboxGeometry(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight)
    {
        if (sourceWidth <= 0 || sourceHeight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceWidth), $"Source size {sourceWidth}x{sourceHeight} must be positive.");
        }

        if (targetWidth <= 0 || targetHeight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetWidth), $"Target size {targetWidth}x{targetHeight} must be positive.");
        }

        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        TargetWidth = targetWidth;
        TargetHeight = targetHeight;
        Scale = Math.Min((double)targetWidth / sourceWidth, (double)targetHeight / sourceHeight);
        ScaledWidth = Math.Clamp((int)Math.Round(sourceWidth * Scale), 1, targetWidth);
        ScaledHeight = Math.Clamp((int)Math.Round(sourceHeight * Scale), 1, targetHeight);
        // Integer offsets so the pixels written and the coordinates mapped back agree exactly.
        PadLeft = (targetWidth - ScaledWidth) / 2;
        PadTop = (targetHeight - ScaledHeight) / 2;
    }

    public int SourceWidth { get; }

    public int SourceHeight { get; }

    public int TargetWidth { get; }

    public int TargetHeight { get; }

    public double Scale { get; }

    public int ScaledWidth { get; }

    public int ScaledHeight { get; }

    public int PadLeft { get; }

    public int PadTop { get; }

    /// <summary>Maps a model-input x coordinate back to source pixels, clipped to the image.</summary>
    public float MapX(float x) => (float)Math.Clamp((x - PadLeft) / Scale, 0, SourceWidth);

    /// <summary>Maps a model-input y coordinate back to source pixels, clipped to the image.</summary>
    public float MapY(float y) => (float)Math.Clamp((y - PadTop) / Scale, 0, SourceHeight);
}
