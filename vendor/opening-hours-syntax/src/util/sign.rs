pub(crate) enum Sign {
    Neg,
    Pos,
}
