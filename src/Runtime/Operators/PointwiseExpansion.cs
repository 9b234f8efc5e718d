namespace Cnnrt.Operators;

/// <summary>
/// A 1×1 convolution the planner folded into the depthwise convolution that alone reads its output
/// (<see cref="Planning.ExpandFusion"/>): the depthwise step computes that output row by row as it needs it. X is the
/// pointwise convolution's input (channel-blocked in blocks of <paramref name="XLanes"/> channels, or NCHW for 0),
/// <paramref name="Weights"/> its [M][C] weights, <paramref name="Bias"/> its M biases (empty: none).
/// </summary>
public sealed record PointwiseExpansion(Slot X, ValueInfo XInfo, int XLanes, float[] Weights, float[] Bias, FusedActivation Activation);
