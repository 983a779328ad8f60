import AdmAPI

/// Jobs that span the whole organization.
enum OrganizationCommands {
    static let specs: [CommandSpec] = [InventoryCommand.spec, OffboardCommand.spec, RotateCommand.spec, RehearseCommand.spec] + SnapshotCommand.specs
}
