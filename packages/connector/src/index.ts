// The Athena RDS connector construct lands here (see the package README).
export {};
