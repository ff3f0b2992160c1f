// meetingroom: the room board (`roomTables`). Members reserve the slot open
// now, start and end their meeting, or cancel; admins add rooms and put a
// room under maintenance.
import { type Lang, post, type User } from "../api.js";
import { ActionForm, Card, RowAction, time, ViewHeader } from "../forms.js";
import { useLive } from "../live.js";
import { newestFirst } from "../timeline.js";

interface RoomTable {
  roomId: string;
  name: string;
  status: "Available" | "Reserved" | "InConference" | "UnderMaintenance";
  statusLabel: string;
  reserveId?: string;
  userId?: string;
  slotStart?: string;
  slotEnd?: string;
  conferenceId?: string;
  maintenanceId?: string;
  updatedAt: string;
}

const hm = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

export function MeetingroomPage({ user, lang }: { user: User; lang: Lang }) {
  const view = useLive<RoomTable>("/meetingroom/roomTables", lang);
  const isAdmin = user.roles.includes("admin");
  const isMember = user.roles.includes("member");
  return (
    <section>
      {isAdmin ? (
        <div class="forms">
          <ActionForm
            title="Add a room"
            testId="room-add"
            submit="Add room"
            fields={[
              { name: "name", label: "Name" },
              { name: "capacity", label: "Seats", kind: "integer", initial: "8", optional: true },
            ]}
            run={(body) => post("/meetingroom/rooms", body)}
            done={() => "Room added"}
          />
        </div>
      ) : null}
      <ViewHeader title="Room board" view="roomTables" state={view.state} page={view.list} problem={view.problem} />
      <div class="cards">
        {newestFirst(view.list.items, (r) => r.roomId).map((r) => {
          const mine = r.userId === user.id;
          return (
            <Card
              key={r.roomId}
              rowKey={r.roomId}
              title={r.name}
              status={r.status}
              statusLabel={r.statusLabel}
              facts={[
                ["Slot", r.slotStart && r.slotEnd ? `${hm(r.slotStart)}–${hm(r.slotEnd)}` : undefined],
                ["Held by", r.userId ? (mine ? "you" : r.userId) : undefined],
                ["Updated", time(r.updatedAt)],
              ]}
            >
              {isMember && r.status === "Available" ? (
                <RowAction label="Reserve" run={() => post("/meetingroom/reserves", { roomId: r.roomId })} />
              ) : null}
              {mine && r.status === "Reserved" && r.reserveId ? (
                <RowAction
                  label="Start meeting"
                  run={() => post("/meetingroom/conferences", { reserveId: r.reserveId })}
                />
              ) : null}
              {mine && r.status === "Reserved" && r.reserveId ? (
                <RowAction
                  label="Cancel reservation"
                  kind="danger"
                  run={() => post(`/meetingroom/reserves/${r.reserveId}/cancel`)}
                />
              ) : null}
              {(mine || isAdmin) && r.status === "InConference" && r.conferenceId ? (
                <RowAction label="End meeting" run={() => post(`/meetingroom/conferences/${r.conferenceId}/end`)} />
              ) : null}
              {isAdmin && r.status === "Available" ? (
                <RowAction
                  label="Start maintenance"
                  run={() => post("/meetingroom/maintenances", { roomId: r.roomId })}
                />
              ) : null}
              {isAdmin && r.status === "UnderMaintenance" && r.maintenanceId ? (
                <RowAction
                  label="End maintenance"
                  run={() => post(`/meetingroom/maintenances/${r.maintenanceId}/end`)}
                />
              ) : null}
            </Card>
          );
        })}
      </div>
    </section>
  );
}
