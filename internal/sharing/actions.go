package sharing

import (
	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// The console never offers what a rule forbids (SPEC §4): for every row it
// shows, the service answers which actions the row offers and, for each one
// it refuses, the very *domain.Error the action itself would give. The
// console renders that answer and decides nothing.

// Action is something a user can start from a row of the console.
type Action string

// Actions.
const (
	ActionShare                Action = "share"
	ActionStopSharing          Action = "stop_sharing"
	ActionReplicate            Action = "replicate" // in this region or across regions: offered when either is
	ActionReplicateInRegion    Action = "replicate_in_region"
	ActionReplicateCrossRegion Action = "replicate_cross_region"
	ActionCreateServer         Action = "create_server"
	ActionCreateDisk           Action = "create_disk"
	ActionDelete               Action = "delete"
	ActionChangeOS             Action = "change_os"
	ActionReinstall            Action = "reinstall"
	ActionCreateImage          Action = "create_image"
	ActionRestoreDisk          Action = "restore_disk"
	ActionUpload               Action = "upload"   // upload the data of a queued image
	ActionDownload             Action = "download" // download the image's data
)

// AllActions lists every action (the console's labels cover each).
var AllActions = []Action{
	ActionShare, ActionStopSharing, ActionReplicate, ActionReplicateInRegion, ActionReplicateCrossRegion,
	ActionCreateServer, ActionCreateDisk, ActionDelete, ActionChangeOS, ActionReinstall, ActionCreateImage, ActionRestoreDisk,
	ActionUpload, ActionDownload,
}

// Offer is one action of a row: allowed when Why is nil, else refused for
// that reason.
type Offer struct {
	Action Action
	Why    *domain.Error
}

// Allowed reports whether the action is offered.
func (o Offer) Allowed() bool { return o.Why == nil }

// Offers are a row's actions, in the order the console shows them.
type Offers []Offer

// Of returns the offer of an action; ok is false when the row has none.
func (os Offers) Of(a Action) (o Offer, ok bool) {
	for _, o := range os {
		if o.Action == a {
			return o, true
		}
	}
	return Offer{Action: a}, false
}

// ImageState is what decides which actions an image offers its viewer.
type ImageState struct {
	Image       domain.Image
	Owned       bool   // the viewer's project owns it
	ShareStatus string // for a recipient: pending, accepted or rejected
	Accepted    int    // accepted recipients (S09)
	Recipients  int    // grants, whatever their answer
}

// imageOffers answers which actions an image offers (S01–S04, S09,
// S16–S18, S23), with the very refusals the actions themselves give.
// S17 decides the "use" action by type: servers from system and full-ECS
// images, data disks from data disk images.
func (s *Service) imageOffers(st ImageState) Offers {
	img := st.Image
	use := Offer{Action: ActionCreateServer, Why: useRefusal(img, st.Owned, st.ShareStatus, errNotAcceptedUse)}
	if !img.Type.MakesServers() {
		use.Action = ActionCreateDisk
	}
	inRegion, cross := s.replicationRefusals(st)
	replicate := Offer{Action: ActionReplicate, Why: inRegion}
	if cross == nil {
		replicate.Why = nil
	}
	download := Offer{Action: ActionDownload, Why: dataRefusal(st)}
	if !st.Owned {
		return Offers{use, replicate, download, {Action: ActionShare, Why: errSharedOn()}}
	}
	var stop *domain.Error
	if st.Recipients == 0 {
		stop = domain.Errorf(domain.KindConflict, domain.CodeInvalid, "err.not_shared_with_anyone")
	}
	return Offers{
		{Action: ActionShare, Why: s.shareRefusal(img, st.Accepted)},
		{Action: ActionStopSharing, Why: stop},
		replicate, use,
		{Action: ActionUpload, Why: uploadRefusal(img)},
		download,
		{Action: ActionDelete, Why: deleteRefusal(img)},
	}
}

// dataRefusal says why the viewer cannot download the image's data: a
// recipient must have accepted it, and there must be data.
func dataRefusal(st ImageState) *domain.Error {
	if e := downloadRefusal(st.Owned, st.ShareStatus); e != nil {
		return e
	}
	if !downloadable(st.Image) {
		return ErrNoData()
	}
	return nil
}

// replicationRefusals says why the viewer cannot replicate an image in its
// region (S16) and across regions (S23); nil where it can.
func (s *Service) replicationRefusals(st ImageState) (inRegion, cross *domain.Error) {
	inRegion = firstRefusal(useRefusal(st.Image, st.Owned, st.ShareStatus, errNotAcceptedReplicate), s.replicateRefusal(st.Image))
	if !st.Owned {
		return inRegion, domain.Errorf(domain.KindForbidden, domain.CodeOwnerOnly, "err.cross_region_shared")
	}
	return inRegion, s.crossRegionRefusal(st.Image)
}

// errSharedOn is S04's refusal to a recipient, with the way to do it.
func errSharedOn() *domain.Error {
	return domain.Errorf(domain.KindForbidden, domain.CodeOwnerOnly, ownerOnlySharedOn)
}

func firstRefusal(es ...*domain.Error) *domain.Error {
	for _, e := range es {
		if e != nil {
			return e
		}
	}
	return nil
}

// ServerRow is a server with the actions it offers.
type ServerRow struct {
	domain.Server
	Offers Offers
}

// DiskRow is a data disk with the actions it offers.
type DiskRow struct {
	domain.Disk
	Offers Offers
}

// serverRows adds their offers to project p's servers: Reinstall only
// while the image a server was made from is still the project's to use
// (S21), in two queries however many servers.
func (s *Service) serverRows(tx *store.Tx, p domain.Project, srvs []domain.Server) ([]ServerRow, error) {
	var ids []string
	for _, srv := range srvs {
		if srv.ImageID != "" {
			ids = append(ids, srv.ImageID)
		}
	}
	usable, err := s.imagesFor(tx, p, ids)
	if err != nil {
		return nil, err
	}
	out := make([]ServerRow, len(srvs))
	for i, srv := range srvs {
		out[i] = ServerRow{Server: srv, Offers: Offers{
			{Action: ActionChangeOS},
			{Action: ActionReinstall, Why: reinstallRefusal(srv, usable[srv.ImageID])},
			{Action: ActionCreateImage},
		}}
	}
	return out, nil
}

// diskRows adds their offers to disks: a data disk image never restores an
// existing disk (S17).
func diskRows(ds []domain.Disk) []DiskRow {
	out := make([]DiskRow, len(ds))
	for i, d := range ds {
		out[i] = DiskRow{Disk: d, Offers: Offers{
			{Action: ActionRestoreDisk, Why: errNoRestore(d)},
			{Action: ActionCreateImage},
		}}
	}
	return out
}

// visibleImage is an image as project p may see it: its own, or shared
// with it (with its status there).
type visibleImage struct {
	domain.Image
	owned       bool
	shareStatus string
}

// imagesFor returns the images among ids that project p can see, by ID; the
// others (deleted, no longer shared, never p's) are absent.
func (s *Service) imagesFor(tx *store.Tx, p domain.Project, ids []string) (map[string]visibleImage, error) {
	out := map[string]visibleImage{}
	if len(ids) == 0 {
		return out, nil
	}
	imgs, err := tx.ImagesByID(ids)
	if err != nil {
		return nil, err
	}
	var foreign []string
	for _, im := range imgs {
		if im.ProjectID == p.ID {
			out[im.ID] = visibleImage{Image: im, owned: true}
		} else {
			foreign = append(foreign, im.ID)
		}
	}
	if len(foreign) == 0 {
		return out, nil
	}
	shares, err := tx.Shares([]string{p.ID}, foreign)
	if err != nil {
		return nil, err
	}
	for _, im := range imgs {
		if sh, ok := shares[p.ID+"/"+im.ID]; ok && im.ProjectID != p.ID {
			out[im.ID] = visibleImage{Image: im, shareStatus: sh.Status}
		}
	}
	return out, nil
}

// reinstallRefusal says why a server cannot be reinstalled from the image
// it was made from (S21); img is that image as the project sees it, the
// zero value when the project cannot see it (any more).
func reinstallRefusal(srv domain.Server, img visibleImage) *domain.Error {
	switch {
	case srv.ImageID == "":
		return domain.Errorf(domain.KindConflict, domain.CodeInvalid,
			"err.not_from_image", srv.Name).About(srv.Name)
	case img.ID == "":
		return domain.Errorf(domain.KindConflict, domain.CodeImageNotFound,
			"err.reinstall_image_gone", srv.ImageName).About(srv.Name)
	}
	if e := useRefusal(img.Image, img.owned, img.shareStatus, errNotAcceptedUse); e != nil {
		return e.About(srv.Name)
	}
	return nil
}

// errNoRestore is S17's refusal to restore a disk from an image.
func errNoRestore(d domain.Disk) *domain.Error {
	return domain.Errorf(domain.KindForbidden, domain.CodeNoRestore,
		"err.no_restore").About(d.Name)
}

// Refusal is why the image refuses an action to its viewer; nil when it
// offers it. Actions a recipient's rows do not show (stop sharing, delete)
// are the owner's only (S01).
func (v ImageView) Refusal(a Action) *domain.Error {
	if o, ok := v.Offers.Of(a); ok {
		return o.Why
	}
	switch {
	case a == ActionCreateServer:
		return firstRefusal(serverRefusal(v.Image), useRefusal(v.Image, v.Owned, v.ShareStatus, errNotAcceptedUse))
	case a == ActionCreateDisk:
		return firstRefusal(diskRefusal(v.Image), useRefusal(v.Image, v.Owned, v.ShareStatus, errNotAcceptedUse))
	case v.Owned:
		return nil
	case a == ActionDelete:
		return errDeleteOwnerOnly()
	}
	return domain.ErrOwnerOnly()
}
