namespace EdgeMlOps.Cdk.DataLabeling;

/// <summary>
/// How the labeling workflow waits for a Ground Truth job of up to <c>labeling.polls.maxWaitHours</c>: in poll
/// windows, each a child execution of the workflow's Distributed Map, so the wait's history is split across
/// executions. One poll costs <see cref="HistoryEventsPerPoll"/> events in its window (describe task 5, choice 2,
/// wait 2, pass 2); a window of <see cref="MaxPollsPerWindow"/> polls stays under half the 25,000-event limit, and
/// the parent records only the Map Run (6 events) whatever the wait. The longest configurable wait (720 h at a 10 s
/// poll, 259,200 polls) needs 260 windows, within the 1,000 items of <c>States.ArrayRange</c>.
/// </summary>
/// <param name="MaxPolls">Polls the configuration allows: ceil(maxWaitHours × 3600 / intervalSeconds).</param>
/// <param name="PollsPerWindow">Polls one window makes at most.</param>
/// <param name="WindowCount">Windows, run one after the other: ceil(MaxPolls / PollsPerWindow).</param>
public readonly record struct PollWindowPlan(int MaxPolls, int PollsPerWindow, int WindowCount)
{
    /// <summary>History events one poll costs inside its window.</summary>
    public const int HistoryEventsPerPoll = 11;

    /// <summary>Most polls in one window: 1,000 × 11 = 11,000 events (plus a few), under half the quota.</summary>
    public const int MaxPollsPerWindow = 1_000;

    /// <summary>Most windows: the limit of <c>States.ArrayRange</c>, which builds the window list.</summary>
    public const int MaxWindows = 1_000;

    /// <summary>The plan for a maximum wait and a poll interval.</summary>
    /// <exception cref="ArgumentException">The wait needs more than <see cref="MaxWindows"/> windows.</exception>
    public static PollWindowPlan For(int maxWaitHours, int pollIntervalSeconds)
    {
        var maxPolls = (int)Math.Ceiling(maxWaitHours * 3600.0 / pollIntervalSeconds);
        var perWindow = Math.Min(maxPolls, MaxPollsPerWindow);
        var windows = (int)Math.Ceiling(maxPolls / (double)perWindow);
        if (windows > MaxWindows)
        {
            throw new ArgumentException(
                $"labeling.polls: a wait of {maxWaitHours} h at {pollIntervalSeconds} s needs {maxPolls} polls, more than {MaxWindows} windows of {MaxPollsPerWindow} polls");
        }

        return new PollWindowPlan(maxPolls, perWindow, windows);
    }
}
