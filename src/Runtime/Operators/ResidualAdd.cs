namespace Cnnrt.Operators;

/// <summary>
/// A residual connection the planner folded into the layer that produces one of its operands
/// (<see cref="Planning.ResidualFusion"/>): the step writes Activation(own output + Values), which is what the Add
/// node (and the activation node after it) computed, with the same roundings. Values has the step's output shape.
/// </summary>
public readonly record struct ResidualAdd(Slot Values, FusedActivation Activation);
